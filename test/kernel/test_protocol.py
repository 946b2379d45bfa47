"""Conformance: jupyter_kernel_test 0.7 with every sample attribute filled in."""
from __future__ import annotations

import unittest

import jupyter_kernel_test as jkt

RICH = 'const rich = { [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>rich</b>" } } }; rich'


class CnnlabKernelTests(jkt.KernelTests):
    kernel_name = "cnnlab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("some error")'

    completion_samples = [
        {"text": "Math.flo", "matches": {"floor"}},
        {"text": "JSON.str", "matches": {"stringify"}},
    ]

    complete_code_samples = ["1", 'console.log("x")', "function f() { return 1 }", "const a = [1, 2]"]
    incomplete_code_samples = ["function f() {", "[1, 2,", "if (true) {", "const s = `abc"]
    invalid_code_samples = ["1 +* 2", "}", 'const s = "unterminated']

    code_generate_error = 'throw new Error("oops")'

    code_execute_result = [
        {"code": "1+2+3", "result": "6"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": RICH, "mime": "text/html", "result": "<b>rich</b>"},
    ]

    code_display_data = [
        {"code": 'display({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<i>shown</i>" } } })', "mime": "text/html"},
        {"code": "display(42)", "mime": "text/plain"},
        {"code": 'import * as tslab from "tslab"; tslab.display.html("<p>tslab</p>")', "mime": "text/html"},
    ]

    code_history_pattern = "1?2*"
    supported_history_operations = ("tail", "range", "search")

    code_page_something = "Math.floor?"

    code_inspect_sample = "Math.floor"

    code_clear_output = "clearOutput()"


class CnnlabIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "cnnlab"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
