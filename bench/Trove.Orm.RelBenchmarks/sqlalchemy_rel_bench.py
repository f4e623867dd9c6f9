#!/usr/bin/env python3
"""SQLAlchemy 1.4 side of bench/Trove.Orm.RelBenchmarks: 1,000 parents x 10 children from the SQLite file in
$DB, by joinedload and by selectinload, in a fresh Session per run. Prints 'name ms' per measured run (one
warm-up run of each first). Run with /usr/bin/python3."""
import os, sys, time
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import joinedload, relationship, selectinload, sessionmaker

Base = declarative_base()


class Parent(Base):
    __tablename__ = "parent"
    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False)
    children = relationship("Child", back_populates="parent")


class Child(Base):
    __tablename__ = "child"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("parent.id"), nullable=False, index=True)  # the file has ix_child_parent_id
    name = Column(String(64), nullable=False)
    value = Column(BigInteger, nullable=False)
    parent = relationship("Parent", back_populates="children")


engine = create_engine("sqlite:///" + os.environ["DB"])
Session = sessionmaker(engine)
RUNS = int(os.environ.get("RUNS", "1"))


def run(option):
    s = Session()
    parents = s.query(Parent).options(option(Parent.children)).all()
    n = sum(len(p.children) for p in parents)
    s.close()
    assert len(parents) == 1000 and n == 10000, (len(parents), n)


for name, option in (("joined", joinedload), ("selectin", selectinload)):
    run(option)
    for _ in range(RUNS):
        t = time.perf_counter()
        run(option)
        print("%s %.3f" % (name, (time.perf_counter() - t) * 1000.0))
sys.stdout.flush()
