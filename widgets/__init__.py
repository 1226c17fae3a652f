"""ipywidgets panels for tailkit: views over the library, no numerics in callbacks."""
