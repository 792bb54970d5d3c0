from scormkit.entry import main

if __name__ == "__main__":  # not when a spawned worker imports it (api.pack_many)
    main()
