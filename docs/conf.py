"""Sphinx configuration for the skrnn documentation."""

import importlib.util
import sys
from pathlib import Path

# Document the working tree, whether or not skrnn is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skrnn  # noqa: E402

project = "skrnn"
author = "The skrnn developers"
copyright = "The skrnn developers"
version = release = skrnn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

exclude_patterns = [
    "_build",
    "_templates",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
]

templates_path = ["_templates"]
autosummary_generate = True
numpydoc_show_class_members = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Only plot_*.py examples run at build time; quickstart.py is shown as is.
    "filename_pattern": "/plot_",
    "download_all_examples": False,
    # Nothing runs, so no docs/sg_execution_times.rst to write (or commit).
    "write_computation_times": False,
}

if importlib.util.find_spec("pydata_sphinx_theme") is not None:
    html_theme = "pydata_sphinx_theme"
else:
    html_theme = "alabaster"
html_title = f"skrnn {release}"
