"""The spawner of cnnlab's classroom hub: one system account and one private home per student.

JupyterHub's LocalProcessSpawner runs each server as the system user named like the hub user. A class's
names ("admin", "daemon", "lp") would collide with real accounts, so every hub user gets an account of its own
with a prefix (cnnlab-alice), created on first start, with a home only it can read. The student's lessons are
copied into that home once; later starts add lessons that are new and never overwrite a notebook the student
has, since it holds their work.
"""

import os
import pwd
import re
import shutil
import subprocess

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

# What useradd accepts on Debian and what fits its 32-character limit with the prefix.
HUB_USERNAME_PATTERN = r"^[a-z][a-z0-9_-]{0,19}$"


class ClassroomSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with an account per hub user and the lessons in its home."""

    account_prefix = Unicode(
        "cnnlab-", config=True, help="Prefix of the system accounts made for hub users (cnnlab-alice)."
    )
    homes = Unicode("/home", config=True, help="Folder in which the students' home folders are made.")
    lessons = Unicode("", config=True, help="Folder of the lesson edition every student gets a copy of.")
    lessons_folder = Unicode(
        "cnnlab", config=True, help="Where the lessons go in a student's home, relative to the home."
    )
    node_modules = Unicode("", config=True, help="The cnnlab checkout's node_modules, linked into every home.")

    @property
    def account(self):
        name = self.user.name
        if not re.match(HUB_USERNAME_PATTERN, name):
            # The authenticator's username_pattern refuses such names at login; users made through the REST
            # API bypass it, so check again before the name reaches useradd.
            raise ValueError(
                f"hub user {name!r} cannot have a system account: use lowercase letters, digits, '-' or '_',"
                " starting with a letter, at most 20 characters"
            )
        return self.account_prefix + name

    def make_preexec_fn(self, name):
        return super().make_preexec_fn(self.account)

    def user_env(self, env):
        entry = pwd.getpwnam(self.account)
        env["USER"] = self.account
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell
        # Node's os.tmpdir(): the library's fallback files and wasm worker scripts stay in the student's home
        # instead of a /tmp folder the first student to write it would own.
        env["TMPDIR"] = os.path.join(entry.pw_dir, ".cache", "tmp")
        return env

    async def start(self):
        entry = self.ensure_account()
        self.link_modules(entry)
        self.copy_lessons(entry)
        self.popen_kwargs = {**self.popen_kwargs, "cwd": entry.pw_dir}
        return await super().start()

    def ensure_account(self):
        try:
            entry = pwd.getpwnam(self.account)
        except KeyError:
            os.makedirs(self.homes, exist_ok=True)
            home = os.path.join(self.homes, self.account)
            subprocess.run(
                ["useradd", "--create-home", "--home-dir", home, "--user-group", "--shell", "/usr/sbin/nologin",
                 "--comment", f"cnnlab hub user {self.user.name}", self.account],
                check=True, capture_output=True, text=True,
            )
            self.log.info("made system account %s with home %s", self.account, home)
            entry = pwd.getpwnam(self.account)
        if not os.path.isdir(entry.pw_dir):
            # The account outlived its home (a cleaned /home, a moved disk): give it an empty one again.
            os.makedirs(entry.pw_dir)
            os.chown(entry.pw_dir, entry.pw_uid, entry.pw_gid)
            self.log.warning("%s had no home; made an empty %s", self.account, entry.pw_dir)
        # Debian's default home mode lets every account read every home; a student's notebooks are theirs alone.
        os.chmod(entry.pw_dir, 0o700)
        for folder in (os.path.join(entry.pw_dir, ".cache"), os.path.join(entry.pw_dir, ".cache", "tmp")):
            if not os.path.isdir(folder):
                os.mkdir(folder, 0o700)
                os.chown(folder, entry.pw_uid, entry.pw_gid)
        return entry

    def link_modules(self, entry):
        """~/node_modules → the checkout's: the kernel resolves "cnnlab" and tfjs upwards from a notebook's folder,
        as it does for the lessons in the repository, so every notebook in the home finds them."""
        if not self.node_modules:
            return
        link = os.path.join(entry.pw_dir, "node_modules")
        if os.path.islink(link) and os.readlink(link) == self.node_modules:
            return
        if os.path.lexists(link):
            # The student's own; leave it, and say why imports may fail.
            self.log.warning("%s exists and is not a link to %s; its imports of cnnlab may fail", link, self.node_modules)
            return
        os.symlink(self.node_modules, link)
        os.lchown(link, entry.pw_uid, entry.pw_gid)

    def copy_lessons(self, entry):
        if not self.lessons:
            return
        target = os.path.join(entry.pw_dir, self.lessons_folder)
        os.makedirs(target, exist_ok=True)
        # Make every folder between the home and the lessons the student's own.
        folder = target
        while os.path.realpath(folder) != os.path.realpath(entry.pw_dir):
            os.chown(folder, entry.pw_uid, entry.pw_gid)
            folder = os.path.dirname(folder)
        for name in sorted(os.listdir(self.lessons)):
            source = os.path.join(self.lessons, name)
            destination = os.path.join(target, name)
            if not os.path.isfile(source) or not name.endswith((".ipynb", ".md")):
                continue
            if os.path.exists(destination):
                continue
            shutil.copyfile(source, destination)
            os.chown(destination, entry.pw_uid, entry.pw_gid)
            os.chmod(destination, 0o600)
