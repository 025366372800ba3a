"""The Qt shell over core/: windows, pages, charts, workers."""
