"""The shared frontier of a distributed crawl: scrapy-redis's scheduler, queue and dupefilter on one
Redis, with each site owned by one crawler at a time.

Keys, all under `govarchive:<crawl>:` (one crawl per id; a single Redis, not a Cluster: the scripts
below name per-site keys they build themselves):

  requests:<site>  scrapy-redis PriorityQueue (a sorted set of pickled requests), one per site
  dupefilter       scrapy-redis RFPDupeFilter (a set of request fingerprints), the whole crawl's
  sites            the sites that have a queue
  lease:<site>     the crawler that owns the site (a key with a TTL, renewed while it works)
  inflight:<site>  requests the owner took from the queue and has not finished (token → request)
  crawlers         live crawlers (sorted set: id → last heartbeat, ms)
  seeded           who is seeding the crawl's start requests (a claim with a TTL), then "done",
                   then "finished" once the frontier ran dry (the ingest then clears the crawl)
  index            the stream of index records (crawler.distributed) the ingest reads

Politeness across processes: a site's requests are popped only by the crawler holding its lease,
so its delay and concurrency are that crawler's download slot (crawler.throttle), exactly as in one
process; so are its challenge cookies, robots.txt and AutoThrottle state. A crawler holds at most
CRAWLER_SITES_MAX sites; it releases one when the site has nothing queued and nothing in flight
(nothing can come back to it then: a site's requests only come from its own pages).

In flight: popping moves a request from the queue into `inflight:<site>` in one script; it leaves
only when its response or failure has been handled (its records pushed, the requests it led to
queued), or when it is queued again as a retry, redirect or challenge re-issue (in the same
script that queues the new one). A crawler killed mid-run leaves its in-flight requests there and
stops renewing its leases; once a lease has expired, the next crawler to take the site moves them
back into the queue (in the script that takes the lease), so nothing is lost, and the site's
politeness holds across the hand-over (the dead owner's last request is at least the TTL old).
"""
from __future__ import annotations

import logging
import random
import re
import time

from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from scrapy.utils.misc import load_object

logger = logging.getLogger(__name__)

CRAWL_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
TOKEN = "frontier_token"  # request.meta: the request's entry in inflight:<site>

_ENQUEUE = """
-- KEYS: dupefilter, queue, sites, inflight; ARGV: fingerprint ('' = dont_filter), score, request, site,
-- token of the in-flight request this one replaces ('' = none)
if ARGV[5] ~= '' then redis.call('HDEL', KEYS[4], ARGV[5]) end
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
"""
_POP = """
-- KEYS: lease, queue, inflight; ARGV: me, token suffix
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local top = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[2], top[1])
local token = top[2] .. ' ' .. ARGV[2]
redis.call('HSET', KEYS[3], token, top[1])
return {token, top[1]}
"""
_BACK = """
local function back(queue, inflight)
  local entries = redis.call('HGETALL', inflight)
  for i = 1, #entries, 2 do
    redis.call('ZADD', queue, string.match(entries[i], '^(%S+)'), entries[i + 1])
  end
  redis.call('DEL', inflight)
  return #entries / 2
end
"""
_ACQUIRE = _BACK + """
-- KEYS: lease, queue, inflight; ARGV: me, ttl ms. -2: nothing to do there, -1: owned by another,
-- else the number of requests a dead owner left in flight, now queued again.
if redis.call('ZCARD', KEYS[2]) + redis.call('HLEN', KEYS[3]) == 0 then return -2 end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
return back(KEYS[2], KEYS[3])
"""
_RELEASE = """
-- KEYS: lease, queue, inflight; ARGV: me. 1: released; 0: work left; -1: not mine
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('ZCARD', KEYS[2]) + redis.call('HLEN', KEYS[3]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
return 1
"""
_GIVE_BACK = _BACK + """
-- KEYS: lease, queue, inflight; ARGV: me. A crawler that stops: its in-flight requests back, the site free.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local n = back(KEYS[2], KEYS[3])
redis.call('DEL', KEYS[1])
return n
"""
_RENEW = """
-- KEYS: leases (and the seeding claim); ARGV: me, ttl ms. The keys no longer mine.
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]) else table.insert(lost, key) end
end
return lost
"""
_SIZE = """
-- KEYS: sites; ARGV: queue key prefix, inflight key prefix. Requests queued or in flight, all sites.
local n = 0
for _, site in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + redis.call('ZCARD', ARGV[1] .. site) + redis.call('HLEN', ARGV[2] .. site)
end
return n
"""
_SEEDED = """
-- KEYS: seeded; ARGV: me. Seeding is over: "done" (for good, no TTL) if the claim was still mine.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'done')
return 1
"""
_FINISH = """
-- KEYS: crawlers, sites, seeded, index, dupefilter; ARGV: me, live since (ms), queue prefix,
-- inflight prefix, the finished record. The last live crawler to stop on a drained frontier marks the
-- crawl finished and tells the ingest; 1 if this one did.
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf') > 0 then return 0 end
if redis.call('GET', KEYS[3]) ~= 'done' then return 0 end
for _, site in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('ZCARD', ARGV[3] .. site) + redis.call('HLEN', ARGV[4] .. site) > 0 then return 0 end
end
redis.call('SET', KEYS[3], 'finished')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[5])
redis.call('XADD', KEYS[4], '*', 'r', ARGV[5])
return 1
"""


class CrawlKeys:
    """The Redis keys of one crawl."""

    def __init__(self, crawl: str):
        if not CRAWL_ID.match(crawl):
            raise ValueError(f"crawl id {crawl!r}: letters, digits, '.', '_' and '-' only (at most 64)")
        self.crawl = crawl
        self.prefix = f"govarchive:{crawl}:"
        for name in ("dupefilter", "sites", "crawlers", "seeded", "index", "site_names", "view"):
            setattr(self, name, self.prefix + name)
        self.queue_prefix = self.prefix + "requests:"
        self.inflight_prefix = self.prefix + "inflight:"
        self.lease_prefix = self.prefix + "lease:"

    def queue(self, site: str) -> str:
        return self.queue_prefix + site

    def inflight(self, site: str) -> str:
        return self.inflight_prefix + site

    def lease(self, site: str) -> str:
        return self.lease_prefix + site

    def view_key(self, part: str) -> str:
        return f"{self.view}:{part}"


class Frontier:
    """This crawler's side of the shared frontier: the sites it owns, and the scripts above."""

    def __init__(self, server, keys: CrawlKeys, crawler_id: str, *, lease_ttl: float, sites_max: int):
        self.server = server
        self.keys = keys
        self.me = crawler_id
        self.ttl_ms = max(1000, int(lease_ttl * 1000))
        self.sites_max = max(1, sites_max)
        self.owned: list[str] = []
        self._popped = 0
        self._tried_at = 0.0
        self._enqueue, self._pop, self._acquire, self._release, self._give_back, self._renew, self._size, \
            self._seeded, self._finish = (server.register_script(s) for s in (
                _ENQUEUE, _POP, _ACQUIRE, _RELEASE, _GIVE_BACK, _RENEW, _SIZE, _SEEDED, _FINISH))

    # -- requests ------------------------------------------------------------------------------------
    def enqueue(self, site: str, fingerprint: str, score: int, data: bytes, replaces: str | None) -> bool:
        k = self.keys
        return bool(self._enqueue(keys=[k.dupefilter, k.queue(site), k.sites, k.inflight(site)],
                                  args=[fingerprint, score, data, site, replaces or ""]))

    def pop(self) -> tuple[str, str, bytes] | None:
        """(site, token, request) from the sites this crawler owns, round robin; None when they are empty."""
        self._take_sites()
        for _ in range(len(self.owned)):
            site = self.owned.pop(0)
            self.owned.append(site)
            self._popped += 1
            found = self._pop(keys=[self.keys.lease(site), self.keys.queue(site), self.keys.inflight(site)],
                              args=[self.me, f"{self.me}:{self._popped}"])
            if found:
                return site, found[0].decode(), found[1]
            if self._release(keys=[self.keys.lease(site), self.keys.queue(site), self.keys.inflight(site)],
                             args=[self.me]) != 0:
                self.owned.remove(site)  # drained (or no longer ours)
        return None

    def done(self, site: str, token: str) -> None:
        self.server.hdel(self.keys.inflight(site), token)

    def has_owned_work(self) -> bool:
        return any(self.server.zcard(self.keys.queue(site)) for site in self.owned)

    def _take_sites(self) -> None:
        """Take free sites with work, up to CRAWLER_SITES_MAX (at most once a second)."""
        if len(self.owned) >= self.sites_max or time.monotonic() - self._tried_at < 1.0:
            return
        self._tried_at = time.monotonic()
        candidates = [s.decode() for s in self.server.smembers(self.keys.sites)]
        random.shuffle(candidates)  # crawlers starting together do not all race for the same site
        for site in candidates:
            if len(self.owned) >= self.sites_max:
                break
            if site in self.owned:
                continue
            got = self._acquire(keys=[self.keys.lease(site), self.keys.queue(site), self.keys.inflight(site)],
                                args=[self.me, self.ttl_ms])
            if got >= 0:
                self.owned.append(site)
                if got:
                    logger.warning("%s: took over %d requests a stopped crawler left in flight", site, got)

    def size(self) -> int:
        """Requests queued or in flight on every site: 0 once the crawl's frontier ran dry."""
        return self._size(keys=[self.keys.sites], args=[self.keys.queue_prefix, self.keys.inflight_prefix])

    # -- leases, seeding, the end --------------------------------------------------------------------
    def heartbeat(self, seeding: bool) -> None:
        """Renew this crawler's leases (and seeding claim); a lease lost (this process stalled past the
        TTL and another took the site) is given up: that site's requests are no longer popped here."""
        self.server.zadd(self.keys.crawlers, {self.me: int(time.time() * 1000)})
        keys = [self.keys.lease(site) for site in self.owned] + ([self.keys.seeded] if seeding else [])
        if not keys:
            return
        for key in self._renew(keys=keys, args=[self.me, self.ttl_ms]):
            key = key.decode()
            if key.startswith(self.keys.lease_prefix):
                site = key[len(self.keys.lease_prefix):]
                logger.error("%s: lease lost (this crawler stalled longer than LEASE_TTL); site given up", site)
                if site in self.owned:
                    self.owned.remove(site)

    def seeding_state(self) -> str | None:
        value = self.server.get(self.keys.seeded)
        return value.decode() if value is not None else None

    def claim_seeding(self) -> bool:
        """SET NX with a TTL: one crawler seeds the crawl; if it dies seeding, the claim expires and
        another seeds it again (the dupefilter drops what was queued already)."""
        return bool(self.server.set(self.keys.seeded, self.me, nx=True, px=self.ttl_ms))

    def seeding_done(self) -> bool:
        return bool(self._seeded(keys=[self.keys.seeded], args=[self.me]))

    def stop(self, finished_record: str | None) -> bool:
        """This crawler stops: its in-flight requests go back, its sites are freed. With a
        `finished_record` (it stopped on a drained frontier), the last live crawler to stop marks the
        crawl finished and pushes the record; True if this one did."""
        for site in list(self.owned):
            self._give_back(keys=[self.keys.lease(site), self.keys.queue(site), self.keys.inflight(site)],
                            args=[self.me])
        self.owned.clear()
        if finished_record is None:
            self.server.zrem(self.keys.crawlers, self.me)
            return False
        live_since = int(time.time() * 1000) - self.ttl_ms
        k = self.keys
        return bool(self._finish(keys=[k.crawlers, k.sites, k.seeded, k.index, k.dupefilter],
                                 args=[self.me, live_since, k.queue_prefix, k.inflight_prefix, finished_record]))


class SiteLeaseScheduler(Scheduler):
    """scrapy-redis's Scheduler, its queue and dupefilter, with one queue per site and the site leases
    of crawler.frontier.Frontier (the spider's `frontier`). Enqueuing checks the dupefilter and
    queues the request in one script, so a killed crawler never leaves a request marked seen but
    never queued."""

    def open(self, spider):
        self.spider = spider
        self.frontier: Frontier = spider.frontier
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self._queues: dict[str, PriorityQueue] = {}

    def _queue(self, site: str) -> PriorityQueue:
        queue = self._queues.get(site)
        if queue is None:  # scrapy-redis formats the key with % {"spider": …}
            key = self.frontier.keys.queue(site).replace("%", "%%")
            queue = self._queues[site] = PriorityQueue(self.server, self.spider, key, self.serializer)
        return queue

    def __len__(self):
        return sum(len(self._queue(site)) for site in self.frontier.owned)

    def enqueue_request(self, request):
        site = request.meta["site"]
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        queued = self.frontier.enqueue(site, fingerprint, -request.priority,
                                       self._queue(site)._encode_request(request), request.meta.get(TOKEN))
        if not queued:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        popped = self.frontier.pop()
        if popped is None:
            return None
        site, token, data = popped
        request = self._queue(site)._decode_request(data)
        request.meta[TOKEN] = token
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self):
        return self.frontier.has_owned_work()

    def close(self, reason):
        pass  # the queue and dupefilter persist in Redis; the spider gives back what it holds (frontier.stop)
