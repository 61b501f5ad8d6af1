"""ali-cancel: advice for leaving an AliExpress order, from a decision tree built on a guide."""
