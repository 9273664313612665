package hooks

// Test access to the bounded output buffer.
type TailBuffer = tailBuffer

var NewTailBuffer = newTailBuffer
