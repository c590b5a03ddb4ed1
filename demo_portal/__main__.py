"""`python -m demo_portal [--city] [SITES_FILE]`: serve the demo sites (or, with --city, the demo
city portal of demo_portal.city) until interrupted, writing their sites file to SITES_FILE if given."""
import argparse
import time

from demo_portal.server import DemoPortal


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_portal", description="Serve the demo sites on 127.0.0.1 until interrupted.")
    parser.add_argument("--city", action="store_true", help="serve the city portal (清源市) instead of the five demo sites")
    parser.add_argument("sites_file", nargs="?", help="write the sites file here")
    args = parser.parse_args()
    if args.city:
        from demo_portal.city import CityPortal

        portal = CityPortal()
    else:
        portal = DemoPortal()
    with portal:
        if args.sites_file:
            portal.write_sites_file(args.sites_file)
        print(portal.sites_toml(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
