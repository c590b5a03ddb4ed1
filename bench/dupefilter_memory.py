"""Redis memory of scrapy-redis's dupefilter: N request fingerprints in one set, on a real
redis-server started here on a free port (no persistence), `used_memory` before and after.

    .venv/bin/python bench/dupefilter_memory.py --count 1000000

scrapy-redis's RFPDupeFilter SADDs each request's fingerprint as 40 hex characters (SHA-1) to
`<spider>:dupefilter`; the fingerprints here are the ones Scrapy's fingerprinter gives real URLs.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import time

import redis
from scrapy import Request
from scrapy.utils.request import RequestFingerprinter


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        before = client.info("memory")["used_memory"]
        fingerprint = RequestFingerprinter().fingerprint
        pipe = client.pipeline(transaction=False)
        for i in range(args.count):
            url = f"http://www.agency{i % 3000}.gov.cn/col/col{i // 3000}/art/2023/art_{i:08d}.html"
            pipe.sadd("reports:dupefilter", fingerprint(Request(url)).hex())
            if i % 10_000 == 9_999:
                pipe.execute()
        pipe.execute()
        info = client.info("memory")
        used = info["used_memory"] - before
        print(f"{args.count:,} fingerprints: used_memory +{used:,} bytes = {used / args.count:.1f} bytes each;"
              f" rss {info['used_memory_rss']:,}; redis {client.info('server')['redis_version']}")
        print(f"extrapolated to 10,000,000: {used / args.count * 1e7 / 2**30:.2f} GiB")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
