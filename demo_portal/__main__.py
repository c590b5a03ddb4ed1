"""`python -m demo_portal [SITES_FILE]`: serve the demo sites until interrupted."""
import sys
import time

from demo_portal.server import DemoPortal


def main() -> None:
    with DemoPortal() as portal:
        if len(sys.argv) > 1:
            portal.write_sites_file(sys.argv[1])
        print(portal.sites_toml(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
