package environment

// Relocate is relocate, for the tests.
var Relocate = relocate
