"""The demo data set: the projects of Shuitou township's 2018-06-11 report, loaded by `load_demo`."""
