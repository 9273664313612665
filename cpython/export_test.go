package cpython

// SplitPip is splitPip, for the tests.
var SplitPip = splitPip
