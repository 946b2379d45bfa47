"""JupyterHub for a class on one machine: `npm run hub` starts it with this file (scripts/hub.mjs).

hub.mjs passes its choices in CNNLAB_HUB_* variables and keeps the hub's secrets in its state folder, which is
not part of the repository: the cookie secret (JupyterHub writes it there, mode 0600, on the first start), the
room's shared password and the teacher's password. The proxy's token is made afresh at every start by JupyterHub.
"""

import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from classroom import HUB_USERNAME_PATTERN, ClassroomSpawner  # noqa: E402

c = get_config()  # noqa: F821 (JupyterHub defines it when it loads this file)


def setting(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{name} is not set: start the hub with `npm run hub`, which sets it (scripts/hub.mjs)")
    return value


def secret(file):
    with open(os.path.join(state, file), encoding="utf-8") as handle:
        return handle.read().strip()


root = os.path.dirname(here)
state = setting("CNNLAB_HUB_STATE")
ip = os.environ.get("CNNLAB_HUB_IP", "127.0.0.1")
port = int(setting("CNNLAB_HUB_PORT"))

# Students reach the proxy; the proxy's API and the hub itself stay on the loopback interface.
c.JupyterHub.bind_url = f"http://{ip}:{port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 2
c.ConfigurableHTTPProxy.command = [os.path.join(root, "node_modules", ".bin", "configurable-http-proxy")]

c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")

# A lab room: everyone types the password on the board with a name of their choice, and that name is their
# account. The teacher logs in as "teacher" with a password of their own and is the hub's admin. Nothing here
# proves who a student is; a course with grades uses its university's login (see deploy/README.md).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = secret("room-password")
c.SharedPasswordAuthenticator.admin_password = secret("teacher-password")
c.Authenticator.admin_users = {"teacher"}
c.Authenticator.allow_all = True
c.Authenticator.username_pattern = HUB_USERNAME_PATTERN

c.JupyterHub.spawner_class = ClassroomSpawner
c.ClassroomSpawner.cmd = [os.path.join(setting("CNNLAB_HUB_PYTHON"), "bin", "jupyterhub-singleuser")]
c.ClassroomSpawner.homes = setting("CNNLAB_HUB_HOMES")
c.ClassroomSpawner.account_prefix = os.environ.get("CNNLAB_HUB_ACCOUNT_PREFIX", "cnnlab-")
c.ClassroomSpawner.lessons = setting("CNNLAB_HUB_LESSONS")
c.ClassroomSpawner.lessons_folder = setting("CNNLAB_HUB_LESSONS_FOLDER")
c.ClassroomSpawner.node_modules = os.path.join(root, "node_modules")
c.ClassroomSpawner.notebook_dir = "~"
# The link to the checkout's modules is plumbing; keep it out of the student's file browser.
c.ClassroomSpawner.args = [
    f"--ContentsManager.hide_globs={glob}" for glob in ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "node_modules"]
]
c.ClassroomSpawner.default_url = "/lab/tree/" + setting("CNNLAB_HUB_LESSONS_FOLDER")
c.ClassroomSpawner.environment = {
    # Each kernel refuses tensors past this instead of growing until the kernel is killed for memory.
    "CNNLAB_MAX_MEMORY": setting("CNNLAB_MAX_MEMORY"),
    # The native engine's OpenMP threads otherwise spin while they wait for work. Alone, a kernel has the cores to
    # itself; with a class on a few cores the spinning threads take the cores other students' kernels need
    # (`npm run bench:hub`: two students at once took 3.2× one student's time for lesson 01 with spinning, 1.3×
    # without; four took 6.9× and 2.7×).
    "OMP_WAIT_POLICY": "PASSIVE",
}
c.ClassroomSpawner.env_keep = ["LANG", "LC_ALL", "PATH", "CNNLAB_FAST", "CNNLAB_BACKEND", "CNNLAB_DATA"]
# A student's first start makes their account and copies the lessons; a full room starts at once.
c.ClassroomSpawner.start_timeout = 120
c.ClassroomSpawner.http_timeout = 60

# Automation (a class list, the hub test): a service whose token scripts may use with the REST API.
service_token = os.environ.get("CNNLAB_HUB_SERVICE_TOKEN")
if service_token:
    c.JupyterHub.services = [{"name": "cnnlab-admin", "api_token": service_token}]
    c.JupyterHub.load_roles = [
        {
            "name": "cnnlab-automation",
            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"],
            "services": ["cnnlab-admin"],
        }
    ]
