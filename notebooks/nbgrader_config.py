# nbgrader settings for cnnlab's lessons (https://nbgrader.readthedocs.io). The lessons are TypeScript: an exercise's
# solution sits between `// BEGIN SOLUTION` and `// END SOLUTION`, and nbgrader replaces it with the stub below, so
# `nbgrader generate_assignment` on an instructor edition gives exactly the student edition `npm run editions`
# writes (test/notebooks/test_editions.py checks that).
c = get_config()  # noqa: F821 (nbgrader defines it)
c.ClearSolutions.code_stub = {"typescript": "// YOUR CODE HERE"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
