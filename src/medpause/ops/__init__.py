"""Running the product as a whole: set-up, serving, demo data. The top layer: it may use every
domain app, and none uses it."""
