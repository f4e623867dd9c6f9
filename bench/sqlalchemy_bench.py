#!/usr/bin/env python3
"""SQLAlchemy 1.4 ORM side of bench/Trove.Orm.Benchmarks: the same workloads on a SQLite file (WAL).
Prints one line per workload: name min median max (milliseconds over N runs). Run with /usr/bin/python3."""
import gc, os, statistics, sys, tempfile, time
from sqlalchemy import BigInteger, Column, Integer, String, create_engine, event, text
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import sessionmaker

RUNS = int(os.environ.get("RUNS", "7"))
WARMUP = int(os.environ.get("WARMUP", "1"))
ROWS = 10000
Base = declarative_base()


class Item(Base):
    __tablename__ = "item"
    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False)
    qty = Column(BigInteger, nullable=False)
    note = Column(String(64))


# DB_URL (e.g. postgresql+psycopg2://…, as bench/Trove.Orm.Benchmarks --pg passes it) replaces the SQLite file
DB_URL = os.environ.get("DB_URL")
path = os.path.join(tempfile.gettempdir(), "sa-bench-%d.db" % os.getpid())
if DB_URL:
    engine = create_engine(DB_URL)
    Base.metadata.drop_all(engine)
else:
    if os.path.exists(path):
        os.remove(path)
    engine = create_engine("sqlite:///" + path)
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA journal_mode=WAL")
Base.metadata.create_all(engine)
Session = sessionmaker(engine)


def fill():
    with engine.begin() as c:
        c.exec_driver_sql("DELETE FROM item")
        c.execute(Item.__table__.insert(), [dict(id=i, name="name%d" % i, qty=i, note=None) for i in range(1, ROWS + 1)])


def empty():
    with engine.begin() as c:
        c.exec_driver_sql("DELETE FROM item")


def insert():
    s = Session()
    for i in range(ROWS):
        s.add(Item(name="n%d" % i, qty=i))
    s.commit()
    s.close()


def load_tracked():
    s = Session()
    n = len(s.query(Item).all())
    s.close()
    return n


def load_untracked():
    # closest 1.4 equivalent of an untracked load: column tuples, no identity map
    s = Session()
    n = len(s.query(Item.id, Item.name, Item.qty, Item.note).all())
    s.close()
    return n


def get():
    s = Session()
    total = 0
    for i in range(1, 1001):
        total += s.query(Item).get(i).qty
    s.close()
    return total


def update():
    s = Session()
    for it in s.query(Item).filter(Item.id <= 1000).all():
        it.qty += 1
    s.commit()
    s.close()


def run(name, fn, setup):
    times = []
    for _ in range(RUNS + WARMUP):
        setup()
        # the .NET harness collects before every timed run; the same here, so neither side pays the other's GC debt
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times = times[WARMUP:]  # the first WARMUP runs are warm-up
    print("%-22s %10.1f %10.1f %10.1f" % (name, min(times), statistics.median(times), max(times)))
    sys.stdout.flush()


print("%-22s %10s %10s %10s   (ms, %d runs, SQLAlchemy %s)" % ("workload", "min", "median", "max", RUNS, __import__("sqlalchemy").__version__))
run("Insert", insert, empty)
# ids 1..ROWS for the loads, get and update: the insert workload's keys come from a sequence that DELETE does not reset
# on PostgreSQL
run("Load_Tracked", load_tracked, lambda: None if tuple(engine.execute(text("select count(*), max(id) from item")).first()) == (ROWS, ROWS) else fill())
run("Load_NoTracking", load_untracked, lambda: None)
run("Get", get, lambda: None)
run("Update", update, lambda: None)
if DB_URL:
    Base.metadata.drop_all(engine)
else:
    os.remove(path)
