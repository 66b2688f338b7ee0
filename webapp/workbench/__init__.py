"""The staff workbench: task inbox, claiming, and completing tasks through their forms."""
