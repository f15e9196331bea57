// qstrs specific to the mpdbg qemu-mps2 port
// *FORMAT-OFF*
