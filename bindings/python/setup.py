"""Build the kz extension module with setuptools.

    pip install ./bindings/python
    pip install --no-build-isolation ./bindings/python   # no package index

The module is kzmodule.c, written against the limited C API of Python 3.11
(one kz.abi3.so serves every later CPython).  It is linked against:

1. a libkz installed on the system, when pkg-config finds `libkz` (set
   PKG_CONFIG_PATH for a private prefix; the library directory is then
   recorded as the module's run path); or else
2. a bundled build: the C sources of the repository (../../libkz/*.c plus
   the stopword table generated from ../../data/stopwords/*.txt, as
   cmake/embed_stopwords.cmake does) compiled into the module itself, with
   libkz's symbols hidden.  This needs the repository checkout around
   bindings/python and the development files of libunistring,
   libstemmer, zlib and libzstd.

Set KZ_BUNDLED=1 to force the bundled build, KZ_BUNDLED=0 to require the
system library.  Intermediate files go to a temporary directory removed at
the end (KZ_BUILD_BASE=DIR keeps them in DIR instead).  kz.pyi and py.typed are installed next to the module so
that type checkers know the API.
"""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
LIMITED_API = "0x030B0000"  # Python 3.11


def pkg_config(*args):
    """Output of pkg-config ARGS, or None when it or the package is missing."""
    try:
        out = subprocess.run(["pkg-config", *args], check=True,
                             capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def repo_version():
    """The version in include/kz/version.h (KZ_VERSION_MAJOR/MINOR/PATCH)."""
    path = os.path.join(REPO, "include", "kz", "version.h")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    parts = [re.search(r"#define KZ_VERSION_%s (\d+)" % p, text)
             for p in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        return None
    return ".".join(m.group(1) for m in parts)


def embed_stopwords(src_dir, out_path):
    """Write the C table of the stopword lists, as embed_stopwords.cmake:
    kzi_stopword_lists[] = { {"en", "a\\0about\\0...\\0", N}, ..., {NULL} }."""
    files = sorted(f for f in os.listdir(src_dir) if f.endswith(".txt"))
    out = ['/* Generated from data/stopwords by bindings/python/setup.py. */',
           '#include <stddef.h>', '#include "kz_int.h"', '']
    table = ["const kzi_stopword_list kzi_stopword_lists[] = {"]
    for name in files:
        lang = name[:-4]
        if not re.fullmatch(r"[A-Za-z0-9_]+", lang):
            raise SystemExit("setup.py: bad stopword file name %r" % name)
        words = []
        with open(os.path.join(src_dir, name), encoding="utf-8") as f:
            for line in f:
                w = line.strip()
                if w and not w.startswith("#"):
                    words.append(w.replace("\\", "\\\\").replace('"', '\\"'))
        out.append("static const char sw_%s[] =" % lang)
        out.extend('  "%s\\0"' % w for w in words)
        out.append('  "";')
        out.append("")
        table.append('  {"%s", sw_%s, %d},' % (lang, lang, len(words)))
    table += ["  {NULL, NULL, 0}", "};", ""]
    text = "\n".join(out + table)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    try:
        with open(out_path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)


def bundled_available():
    return (os.path.isdir(os.path.join(REPO, "libkz"))
            and os.path.isfile(os.path.join(REPO, "include", "kz.h"))
            and os.path.isdir(os.path.join(REPO, "data", "stopwords")))


def choose_build():
    """'system' or 'bundled', following KZ_BUNDLED and what is present."""
    forced = os.environ.get("KZ_BUNDLED", "").strip()
    have_system = pkg_config("--exists", "libkz") is not None
    want = repo_version()
    if have_system and want and forced != "0" and bundled_available() and \
            pkg_config("--atleast-version=" + want, "libkz") is None:
        print("setup.py: the system libkz %s is older than these bindings (%s): "
              "building the bundled sources" % (pkg_config("--modversion", "libkz"), want))
        have_system = False
    if forced == "1":
        if not bundled_available():
            raise SystemExit("setup.py: KZ_BUNDLED=1 but the libkz sources are "
                             "not at %s" % REPO)
        return "bundled"
    if forced == "0" or have_system:
        if not have_system:
            raise SystemExit("setup.py: KZ_BUNDLED=0 but pkg-config finds no "
                             "libkz (set PKG_CONFIG_PATH to its lib/pkgconfig)")
        return "system"
    if bundled_available():
        return "bundled"
    raise SystemExit(
        "setup.py: libkz not found: install it (pkg-config must find libkz; "
        "set PKG_CONFIG_PATH for a private prefix) or build from the libkz "
        "repository so the bundled sources in %s are available" % REPO)


MODE = choose_build()
COMMON_MACROS = [("Py_LIMITED_API", LIMITED_API)]

if MODE == "system":
    cflags = pkg_config("--cflags", "libkz").split()
    libs = pkg_config("--libs", "libkz").split()
    libdir = os.path.normpath(pkg_config("--variable=libdir", "libkz") or "/usr/lib")
    ext = Extension(
        "kz",
        sources=["kzmodule.c"],
        include_dirs=[f[2:] for f in cflags if f.startswith("-I")],
        extra_compile_args=[f for f in cflags if not f.startswith("-I")],
        library_dirs=[f[2:] for f in libs if f.startswith("-L")],
        libraries=[f[2:] for f in libs if f.startswith("-l")],
        # A private prefix is recorded as the run path; system ones are not.
        runtime_library_dirs=[] if libdir.startswith(("/usr/lib", "/lib")) else [libdir],
        define_macros=COMMON_MACROS,
        py_limited_api=True,
    )
    VERSION = pkg_config("--modversion", "libkz") or repo_version() or "0"
else:
    lib_sources = sorted(
        os.path.join(REPO, "libkz", f)
        for f in os.listdir(os.path.join(REPO, "libkz")) if f.endswith(".c"))
    ext = Extension(
        "kz",
        # Absolute paths: objects then go under build_temp, not next to ../..
        sources=["kzmodule.c"] + lib_sources,
        include_dirs=[os.path.join(REPO, "include"), os.path.join(REPO, "libkz")],
        libraries=["unistring", "stemmer", "z", "zstd", "m"],
        define_macros=COMMON_MACROS + [("_POSIX_C_SOURCE", "200809L")],
        extra_compile_args=["-std=c11", "-fvisibility=hidden"],
        py_limited_api=True,
    )
    VERSION = repo_version() or "0"


class BuildExt(build_ext):
    """For the bundled build, generates the stopword table and keeps
    libkz's symbols inside the module (a linker version script exports
    PyInit_kz alone, so the module cannot clash with a libkz.so loaded in
    the same process).  Then puts kz.pyi and py.typed next to the module."""

    def build_extensions(self):
        if MODE == "bundled":
            temp = os.path.abspath(self.build_temp)
            gen = os.path.join(temp, "generated", "stopwords_data.c")
            embed_stopwords(os.path.join(REPO, "data", "stopwords"), gen)
            script = os.path.join(temp, "kz.map")
            with open(script, "w", encoding="ascii") as f:
                f.write("{ global: PyInit_kz; local: *; };\n")
            for e in self.extensions:
                if gen not in e.sources:
                    e.sources.append(gen)
                e.extra_link_args = ["-Wl,--version-script=" + script]
        super().build_extensions()

    def run(self):
        super().run()
        dest = HERE if self.inplace else self.build_lib
        for name in ("kz.pyi", "py.typed"):
            if os.path.abspath(dest) != HERE:
                self.mkpath(dest)
                self.copy_file(os.path.join(HERE, name), os.path.join(dest, name))


BUILD_BASE = os.environ.get("KZ_BUILD_BASE") or tempfile.mkdtemp(prefix="kz-pybuild-")
if not os.environ.get("KZ_BUILD_BASE"):
    atexit.register(shutil.rmtree, BUILD_BASE, True)

if sys.version_info < (3, 11):
    raise SystemExit("kz needs Python 3.11 or later")

setup(
    version=VERSION,
    ext_modules=[ext],
    cmdclass={"build_ext": BuildExt},
    options={
        "bdist_wheel": {"py_limited_api": "cp311"},
        "build_ext": {"parallel": os.cpu_count() or 1},
        # Build products go to a temporary directory, not into the source
        # tree (pip builds a local directory in place).
        "build": {"build_base": BUILD_BASE},
        "egg_info": {"egg_base": BUILD_BASE},
    },
)
