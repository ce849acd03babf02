#!/usr/bin/env python3
"""Where a test run's time went, per class, from the .trx files `dotnet test --logger trx` writes.

usage: tools/test-durations.py [TOP] FILE.trx...

span = first test's start to last test's end: a class's tests run one after another, so this includes the hosts
each test starts and disposes (xunit does not count a constructor or InitializeAsync in a test's duration).
tests s = the tests' own durations added up.
"""
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime
import re

NS = {'t': 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010'}


def instant(text):
    return datetime.fromisoformat(re.sub(r'(\.\d{6})\d*', r'\1', text))


def seconds(text):
    h, m, s = text.split(':')
    return int(h) * 3600 + int(m) * 60 + float(s)


args = sys.argv[1:]
top = int(args.pop(0)) if args and args[0].isdigit() else 20
classes = defaultdict(lambda: {'tests': 0, 'own': 0.0, 'start': None, 'end': None})
for path in args:
    root = ET.parse(path).getroot()
    class_of = {t.get('id'): t.find('t:TestMethod', NS).get('className') for t in root.iterfind('.//t:UnitTest', NS)}
    for result in root.iterfind('.//t:UnitTestResult', NS):
        c = classes[class_of[result.get('testId')].removeprefix('EasySpace.Tests.')]
        start, end = instant(result.get('startTime')), instant(result.get('endTime'))
        c['tests'] += 1
        c['own'] += seconds(result.get('duration', '0:0:0'))
        c['start'] = start if c['start'] is None else min(c['start'], start)
        c['end'] = end if c['end'] is None else max(c['end'], end)

rows = sorted(classes.items(), key=lambda kv: -(kv[1]['end'] - kv[1]['start']).total_seconds())
print(f"| {'class':55} | tests | span s | tests s |")
print(f"|{'-' * 57}|------:|-------:|--------:|")
for name, c in rows[:top]:
    print(f"| {name:55} | {c['tests']:5} | {(c['end'] - c['start']).total_seconds():6.0f} | {c['own']:7.0f} |")
print(f"\n{len(classes)} classes, {sum(c['tests'] for c in classes.values())} tests")
