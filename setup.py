"""Ships the example module (module_src/) inside the wheel as scormkit/example, for `scormkit init --example`.

Everything else is in pyproject.toml. package-data cannot reach a folder outside the package, and moving
module_src/ under src/ would break `scormkit pack module_src` in a checkout, so build_py copies it.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

EXAMPLE_FILES = ("module.yaml", "quiz.yaml", "slides.pdf", "make_slides.py")


class build_py_with_example(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads module_src/ from the checkout (scormkit.authoring.init)
            return
        target = Path(self.build_lib) / "scormkit" / "example"
        target.mkdir(parents=True, exist_ok=True)
        for name in EXAMPLE_FILES:
            self.copy_file(str(Path("module_src") / name), str(target / name))


setup(cmdclass={"build_py": build_py_with_example})
