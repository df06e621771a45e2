"""cskpi: monthly pass/fail scorecards for customer-service standards (客服绩效标准评估)."""

__version__ = "0.1.0"
