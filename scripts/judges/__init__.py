# SPDX-License-Identifier: GPL-2.0
"""The judges of vfio-pci-rs's test runs (Python 3 standard library only).

reports: the kernel reports of a guest's console log (scripts/judge-reports).
"""
