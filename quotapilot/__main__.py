from quotapilot.cli.app import entry_point

entry_point()
