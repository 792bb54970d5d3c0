from scormkit.cli import app

app(prog_name="scormkit")
