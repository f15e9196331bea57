// qstrs specific to the mpdbg host port
// *FORMAT-OFF*
Q(mpdbg-host)
