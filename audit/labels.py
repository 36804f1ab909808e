"""The audit's own Chinese words: headers, totals, levels and statuses (cell and check labels come from the codebook)."""

from __future__ import annotations

TOTALS = {
    "bodies": "机关数",
    "found": "已发布报告",
    "missing": "未找到报告",
    "on_time": "按时发布",
    "partial": "内容不完整",
    "with_failed_checks": "校验未通过",
    "revised": "发布后修改",
}
LEVELS = {"district": "区县政府", "department": "部门", "street": "街道", "township": "乡镇"}
STATUS = {"ok": "完整", "partial": "不完整"}
HEAD = {
    "district": "区县", "year": "年度", "body": "机关", "level": "层级", "found": "报告", "published_on": "发布日期",
    "deadline": "法定期限", "on_time": "是否按时", "format": "格式", "completeness": "完整性",
    "failed": "未通过的校验", "carry": "与上年结转不符", "text_vs_table": "正文与表格不符", "revisions": "发布后修改",
    "report_title": "标题", "source": "来源页面", "archived": "存档副本", "missing_rows": "缺失行",
    "check": "校验", "scope": "范围", "expected": "应为", "actual": "实为", "difference": "差额", "detail": "说明",
    "cells": "涉及单元格", "cell": "单元格", "value": "数值", "raw": "原文", "method": "读取方式",
    "url": "地址", "old_value": "原值", "new_value": "新值", "old_seen": "原版本抓取时间", "new_seen": "发现修改时间",
    "last_year": "上年结转下年", "this_year": "本年上年结转",
}  # fmt: skip
