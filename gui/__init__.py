"""The Qt shell over core/: windows, pages, charts, workers."""

import os

# pyqtgraph picks whichever Qt binding it finds first; Stakewatch is PySide6 only.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
