"""The Report: finding records, per-rule and per-element statistics, and messages in Chinese and English."""
