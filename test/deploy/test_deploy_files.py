"""The course's cluster files, checked without a cluster: deploy/z2jh-values.yaml (Zero to JupyterHub's values)
and deploy/Dockerfile (the single-user image). Fast, no root, no network.

The values must parse, sit where the chart reads them, keep the kernel's memory cap under the pod's limit, hold
no secrets, and copy the lessons in without overwriting a student's notebook; the Dockerfile must pass hadolint
(deploy/.hadolint.yaml), pin its base images and copy only what the repository has.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jupyterhub.traitlets import ByteSpecification

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VALUES = DEPLOY / "z2jh-values.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
# Where the image keeps what the start hook copies and links (deploy/Dockerfile).
IMAGE_LESSONS = "/opt/cnnlab/lessons"
IMAGE_MODULES = "/opt/cnnlab/app/node_modules"


def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def at(tree: dict, dotted: str):
    node = tree
    for key in dotted.split("."):
        assert isinstance(node, dict) and key in node, f"{VALUES.name}: {dotted} is missing (stopped at {key!r})"
        node = node[key]
    return node


def size(text) -> int:
    return ByteSpecification().validate(None, str(text))


# --- the values file ---------------------------------------------------------------------------------------------


def test_values_parse_as_one_mapping():
    assert isinstance(values(), dict), f"{VALUES.name} must be a YAML mapping"


# The chart's own top-level sections (its values.schema.yaml refuses others).
CHART_SECTIONS = {
    "fullnameOverride", "nameOverride", "enabled", "imagePullSecrets", "imagePullSecret", "hub", "proxy",
    "singleuser", "scheduling", "ingress", "prePuller", "custom", "cull", "debug", "rbac", "global",
}


def test_values_sit_where_the_chart_reads_them():
    tree = values()
    assert set(tree) <= CHART_SECTIONS, f"not Z2JH sections: {sorted(set(tree) - CHART_SECTIONS)}"
    image = at(tree, "singleuser.image")
    assert isinstance(image["name"], str) and "/" in image["name"], "singleuser.image.name: a registry path"
    assert isinstance(image["tag"], str) and image["tag"] not in ("", "latest"), (
        "singleuser.image.tag: a quoted, fixed tag (a number would be read as a float; latest is not re-pulled)"
    )
    assert at(tree, "singleuser.storage.type") == "dynamic"
    # A Kubernetes quantity (Gi, not JupyterHub's G): the chart hands it to the volume claim as it is.
    capacity = str(at(tree, "singleuser.storage.capacity"))
    assert re.fullmatch(r"[1-9]\d*(Ki|Mi|Gi|Ti)", capacity), f"singleuser.storage.capacity {capacity}: e.g. 2Gi"
    assert at(tree, "singleuser.defaultUrl").startswith("/lab/tree/")
    assert at(tree, "cull.enabled") is True and at(tree, "cull.timeout") > 0
    assert at(tree, "hub.config.JupyterHub.authenticator_class")
    assert isinstance(at(tree, "singleuser.lifecycleHooks.postStart.exec.command"), list)


def test_memory_cap_sits_under_the_pods_limit():
    tree = values()
    limit = size(at(tree, "singleuser.memory.limit"))
    guarantee = size(at(tree, "singleuser.memory.guarantee"))
    cap = size(at(tree, "singleuser.extraEnv.CNNLAB_MAX_MEMORY"))
    assert guarantee <= limit, "singleuser.memory.guarantee is above its limit"
    # The server and Node's own heap live beside the tensors: a cap at the limit would let the pod be killed first.
    assert cap <= limit - size("512M"), f"CNNLAB_MAX_MEMORY ({cap} bytes) leaves under 512M of {limit} for the rest"
    cpu = at(tree, "singleuser.cpu")
    assert 0 < float(cpu["guarantee"]) <= float(cpu["limit"])


SECRET_NAME = re.compile(r"secret|token|password|passwd|api_?key|private_?key", re.IGNORECASE)


def secret_looking(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            # A section named like a secret (SharedPasswordAuthenticator) is fine; a value under such a name is not.
            if SECRET_NAME.search(str(key)) and isinstance(value, (str, int, float)) and value != "":
                yield where
            yield from secret_looking(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from secret_looking(value, f"{path}[{index}]")


def test_values_hold_no_secrets():
    tree = values()
    assert list(secret_looking(tree)) == [], "secrets belong in an uncommitted secrets.yaml"
    # The chart generates the proxy's token (chart 1.0 and later); one written here would be in git.
    assert "secretToken" not in tree.get("proxy", {})
    text = VALUES.read_text(encoding="utf-8")
    assert not re.search(r"\b[0-9a-f]{32,}\b", text), "a long hex string in the values looks like a token"


def test_secret_check_finds_a_written_password():
    tree = {"hub": {"config": {"SharedPasswordAuthenticator": {"user_password": "blackboard"}}}}
    assert list(secret_looking(tree)) == ["hub.config.SharedPasswordAuthenticator.user_password"]


# --- the start hook: lessons copied in, nothing of the student's overwritten ------------------------------------


def run_start_hook(tmp_path: Path) -> Path:
    """Runs the postStart command with the image's folders moved under tmp_path; returns the student's home."""
    command = at(values(), "singleuser.lifecycleHooks.postStart.exec.command")
    assert command[:2] == ["sh", "-c"], "the hook is a shell script: sh -c '...'"
    script = command[2]
    assert IMAGE_LESSONS in script and IMAGE_MODULES in script, "the hook and deploy/Dockerfile disagree on paths"
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    script = script.replace("/opt/cnnlab", str(tmp_path / "image"))
    environment = {"HOME": str(home), "PATH": "/usr/bin:/bin", "CNNLAB_EDITION": default_edition()}
    subprocess.run(["sh", "-c", script], check=True, env=environment)
    return home


def make_image(tmp_path: Path) -> Path:
    lessons = tmp_path / "image" / "lessons"
    lessons.mkdir(parents=True)
    (tmp_path / "image" / "app" / "node_modules").mkdir(parents=True)
    (lessons / "01-lesson.ipynb").write_text("lesson 01 as shipped")
    (lessons / "02-lesson.ipynb").write_text("lesson 02 as shipped")
    return lessons


def default_edition() -> str:
    """The image's default EDITION build argument (deploy/Dockerfile)."""
    found = re.search(r"^ARG EDITION=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert found, "deploy/Dockerfile has no default ARG EDITION"
    return found.group(1)


def test_the_default_url_opens_the_images_edition_where_the_hook_puts_it():
    assert at(values(), "singleuser.defaultUrl") == f"/lab/tree/cnnlab/{default_edition()}"
    assert re.search(r"^ENV CNNLAB_EDITION=\$\{EDITION\}$", DOCKERFILE.read_text(), re.MULTILINE)


def test_start_hook_copies_the_lessons_and_links_the_modules(tmp_path):
    make_image(tmp_path)
    home = run_start_hook(tmp_path)
    folder = at(values(), "singleuser.defaultUrl").removeprefix("/lab/tree/")
    assert sorted(p.name for p in (home / folder).iterdir()) == ["01-lesson.ipynb", "02-lesson.ipynb"]
    assert (home / "node_modules").resolve() == (tmp_path / "image" / "app" / "node_modules").resolve()


def test_start_hook_keeps_the_students_work(tmp_path):
    lessons = make_image(tmp_path)
    home = run_start_hook(tmp_path)
    folder = home / "cnnlab" / default_edition()
    (folder / "01-lesson.ipynb").write_text("lesson 01 with the student's answers")
    (lessons / "01-lesson.ipynb").write_text("lesson 01, next term's version")
    (lessons / "03-lesson.ipynb").write_text("lesson 03, new this week")
    (home / "node_modules").unlink()
    (home / "node_modules").mkdir()
    run_start_hook(tmp_path)
    assert (folder / "01-lesson.ipynb").read_text() == "lesson 01 with the student's answers"
    assert (folder / "03-lesson.ipynb").read_text() == "lesson 03, new this week"
    assert (home / "node_modules").is_dir() and not (home / "node_modules").is_symlink()


# --- the Dockerfile ----------------------------------------------------------------------------------------------


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n(\s*#.*\n)*", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def build_arguments(steps) -> dict[str, str]:
    found = {}
    for word, rest in steps:
        if word == "ARG" and "=" in rest:
            name, _, default = rest.partition("=")
            found[name] = default.strip('"')
    return found


def hadolint(dockerfile: Path) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).parent / "hadolint"
    assert binary.exists(), f"{binary} is missing: run `node scripts/setup.mjs` (python-requirements.txt has it)"
    return subprocess.run(
        [str(binary), "--no-color", "--config", str(DEPLOY / ".hadolint.yaml"), str(dockerfile)],
        capture_output=True, text=True,
    )


def test_dockerfile_passes_hadolint():
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, f"hadolint found problems in deploy/Dockerfile:\n{result.stdout}{result.stderr}"


def test_dockerfile_pins_its_base_images():
    steps = instructions(DOCKERFILE.read_text(encoding="utf-8"))
    stages = set()
    bases = []
    for word, rest in steps:
        if word == "FROM":
            parts = rest.split()
            image = parts[0]
            if "AS" in (part.upper() for part in parts):
                stages.add(parts[-1])
            if image not in stages:
                bases.append(image)
    assert bases, "deploy/Dockerfile has no FROM"
    for image in bases:
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", image) and not image.endswith(":latest"), (
            f"FROM {image}: pin the base image to a version tag"
        )


def test_dockerfile_copies_only_what_the_repository_has():
    steps = instructions(DOCKERFILE.read_text(encoding="utf-8"))
    arguments = build_arguments(steps)
    ignored = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    sources = []
    for word, rest in steps:
        if word not in ("COPY", "ADD") or "--from=" in rest:
            continue
        assert word == "COPY", "use COPY, not ADD, for files from the repository"
        parts = [part for part in rest.split() if not part.startswith("--")]
        sources += parts[:-1]
    assert sources, "deploy/Dockerfile copies nothing from the repository"
    for source in sources:
        path = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: arguments[m.group(1) or m.group(2)], source)
        assert (ROOT / path).exists(), f"COPY {source}: {path} is not in the repository"
        assert path.split("/")[0] not in ignored, f"COPY {source}: .dockerignore leaves {path} out of the context"
    lessons = ROOT / "notebooks" / arguments["EDITION"]
    assert sorted(lessons.glob("*.ipynb")), f"the default EDITION, {lessons}, has no lessons"


def test_image_has_what_the_start_hook_uses():
    steps = instructions(DOCKERFILE.read_text(encoding="utf-8"))
    assert any(word == "COPY" and rest.endswith(" " + IMAGE_LESSONS) for word, rest in steps), (
        f"deploy/Dockerfile must COPY the lessons to {IMAGE_LESSONS}, where the values' postStart hook reads them"
    )
    assert ("WORKDIR", str(Path(IMAGE_MODULES).parent)) in steps, f"the app (and {IMAGE_MODULES}) is elsewhere"


def test_build_context_leaves_local_builds_out():
    ignored = set((ROOT / ".dockerignore").read_text().splitlines())
    assert {"node_modules", "dist", "build", ".venv"} <= ignored


@pytest.mark.parametrize(
    "broken",
    ["RUNN apt-get update", "FROM node:latest"],
)
def test_hadolint_settings_still_refuse_a_broken_dockerfile(tmp_path, broken):
    file = tmp_path / "Dockerfile"
    file.write_text(DOCKERFILE.read_text(encoding="utf-8") + f"\n{broken}\n")
    assert hadolint(file).returncode != 0, f"hadolint accepted {broken!r}"
