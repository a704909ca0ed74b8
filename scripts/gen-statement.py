#!/usr/bin/env python3
"""Write a bank statement of N credit rows (GBK, title lines, a 合计 row),
as Chinese banks export them, for trying `boai import donations` at scale.

usage: scripts/gen-statement.py N FILE
"""
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
random.seed(1)
lines = ["中国工商银行账户明细", "账号: 1202 0000 0000 0000,户名: 杭州市红十字会",
         "交易日期,交易时间,对方户名,对方账号,收入金额,支出金额,摘要,附言,流水号"]
for i in range(n):
    d = f"2026-11-{1 + i % 28:02d}"
    t = f"{8 + i % 10:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
    amt = f"{random.randint(10, 100000)}.{random.randint(0, 99):02d}"
    lines.append(f'{d},{t},捐赠人{i},62220{i:011d},"{amt}",,转账,抗疫捐款,SN{i:09d}')
lines.append("合计,,,,,,,,")
with open(path, "w", encoding="gb18030") as f:
    f.write("\n".join(lines) + "\n")
