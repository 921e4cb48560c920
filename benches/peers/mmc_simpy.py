"""The M/M/c peer model in SimPy, for the side-by-side run with omnilab's engine.

One queue, c = 3 servers (pickers), exponential service times of mean 10 minutes, Poisson
arrivals at 80% of capacity: the same model as benches/support/mmc.rs, written the way the
SimPy documentation writes a bank or a car wash. Prints the customers served per second of
wall time as `customers_per_second=<x>` (the line run.sh reads), and the mean wait in queue
beside the Erlang C value as a check that the model is the right one.

Usage: python3 mmc_simpy.py [customers] [repeats]
"""

import random
import sys
import time

import simpy

SERVERS = 3
MEAN_SERVICE_MIN = 10.0
LOAD = 0.8
ARRIVAL_RATE = LOAD * SERVERS / MEAN_SERVICE_MIN  # per minute


def erlang_c_wait(c, lam, mu):
    """Mean wait in queue of an M/M/c queue, in the time unit of the rates."""
    a = lam / mu
    term, total = 1.0, 0.0
    for k in range(c):
        if k > 0:
            term *= a / k
        total += term
    last = term * a / c * c / (c - a)
    return last / (total + last) / (c * mu - lam)


def customer(env, pickers, rng, stats):
    arrived = env.now
    with pickers.request() as request:
        yield request
        stats["wait"] += env.now - arrived
        yield env.timeout(rng.expovariate(1.0 / MEAN_SERVICE_MIN))
    stats["served"] += 1


def arrivals(env, pickers, rng, stats, customers):
    for _ in range(customers):
        yield env.timeout(rng.expovariate(ARRIVAL_RATE))
        env.process(customer(env, pickers, rng, stats))


def run(customers, seed):
    """One run; returns (customers served, wall seconds, mean wait in minutes)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    pickers = simpy.Resource(env, capacity=SERVERS)
    stats = {"served": 0, "wait": 0.0}
    env.process(arrivals(env, pickers, rng, stats, customers))
    started = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - started
    return stats["served"], elapsed, stats["wait"] / max(stats["served"], 1)


def main():
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    best = None
    for seed in range(repeats):
        served, elapsed, wait = run(customers, seed + 1)
        rate = served / elapsed
        print(f"simpy {simpy.__version__}: {served} customers in {elapsed:.3f} s = "
              f"{rate:,.0f} customers/s, mean wait {wait:.2f} min")
        best = rate if best is None else max(best, rate)
    theory = erlang_c_wait(SERVERS, ARRIVAL_RATE, 1.0 / MEAN_SERVICE_MIN)
    print(f"Erlang C mean wait: {theory:.2f} min")
    print(f"customers_per_second={best:.0f}")


if __name__ == "__main__":
    main()
