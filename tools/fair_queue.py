"""SQS fair queues as AWS documents them ("How Amazon SQS fair queues work"), for the local event sources: which of
the messages waiting in a standard queue a consumer is handed next, when messages carry a tenant as MessageGroupId.

- A message's tenant is its MessageGroupId; a message without one is a tenant of its own.
- A tenant is a noisy neighbour when it holds more than 10% of the queue's in-flight messages with at least 30 of
  its own in flight, or more than 10% of the consumers' recent processing time.
- While a quiet tenant has a message waiting, consumers are handed quiet tenants' messages; a noisy tenant's are
  handed out when no quiet one waits, the noisy tenant with the fewest in flight first.
- Within that order, the oldest message first (a standard queue's best effort).

AWS calls its thresholds approximate and gives "recent" no length: a minute here."""
import itertools
import time
from collections import Counter, deque

SHARE = 0.10
NOISY_IN_FLIGHT = 30
RECENT_SECONDS = 60.0


class FairQueue:
    """The messages waiting, what is in flight per tenant, and how long each tenant's messages took lately."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.waiting = []  # (arrival, tenant, message)
        self.in_flight = Counter()
        self.recent = deque()  # (finished at, tenant, seconds)
        self.arrivals = itertools.count()

    def __len__(self):
        return len(self.waiting)

    def add(self, message, group):
        arrival = next(self.arrivals)
        self.waiting.append((arrival, group if group is not None else ("ungrouped", arrival), message))

    def take(self, count):
        """Up to `count` waiting messages, in the order the queue hands them out, now in flight; each with its
        tenant, to give back to `finished`."""
        noisy = self.noisy_tenants()
        self.waiting.sort(key=lambda entry: (entry[1] in noisy, self.in_flight[entry[1]] if entry[1] in noisy else 0,
                                             entry[0]))
        taken, self.waiting = self.waiting[:count], self.waiting[count:]
        for _, tenant, _ in taken:
            self.in_flight[tenant] += 1
        return [(tenant, message) for _, tenant, message in taken]

    def finished(self, tenants, seconds):
        """The batch of these tenants' messages was processed in `seconds`, shared evenly among its messages."""
        now = self.clock()
        for tenant in tenants:
            self.in_flight[tenant] -= 1
            self.recent.append((now, tenant, seconds / len(tenants)))

    def noisy_tenants(self):
        now = self.clock()
        while self.recent and self.recent[0][0] < now - RECENT_SECONDS:
            self.recent.popleft()
        busy = Counter()
        for _, tenant, seconds in self.recent:
            busy[tenant] += seconds
        total_busy = sum(busy.values())
        total_in_flight = sum(self.in_flight.values())
        noisy = {tenant for tenant, seconds in busy.items() if total_busy and seconds > SHARE * total_busy}
        noisy |= {tenant for tenant, count in self.in_flight.items()
                  if count >= NOISY_IN_FLIGHT and count > SHARE * total_in_flight}
        return noisy
