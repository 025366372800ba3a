"""pyqtgraph charts: one small module per chart idea."""
