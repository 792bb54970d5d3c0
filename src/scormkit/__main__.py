from scormkit.cli import app

if __name__ == "__main__":  # not when a spawned worker imports it (api.pack_many)
    app(prog_name="scormkit")
