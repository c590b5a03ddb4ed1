"""`python -m demo_portal [--city] [--documents] [SITES_FILE]`: serve the demo sites (with --documents,
their reports also as files and images, as `make demo` serves them; with --city, the demo city
portal of demo_portal.city) until interrupted, writing their sites file to SITES_FILE if given."""
import argparse
import time

from demo_portal.server import DemoPortal


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_portal", description="Serve the demo sites on 127.0.0.1 until interrupted.")
    parser.add_argument("--city", action="store_true", help="serve the city portal (清源市) instead of the five demo sites")
    parser.add_argument("--documents", action="store_true",
                        help="the five sites with their reports also published as PDF, DOC, DOCX and images (make demo)")
    parser.add_argument("sites_file", nargs="?", help="write the sites file here")
    parser.add_argument("--base-port", type=int, default=None,
                        help="first port (default: 18101 for the sites, 18121 for the city, as `govarchive demo`; 0 = free ports)")
    args = parser.parse_args()
    from govarchive.demo import CITY_PORT, SITES_PORT

    if args.city:
        from demo_portal.city import CityPortal

        portal = CityPortal(base_port=CITY_PORT if args.base_port is None else args.base_port)
    else:
        from demo_portal.sites import all_sites

        portal = DemoPortal(all_sites(documents=args.documents),
                            base_port=SITES_PORT if args.base_port is None else args.base_port)
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
