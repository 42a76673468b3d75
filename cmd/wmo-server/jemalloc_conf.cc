// jemalloc's settings, read once at start-up. The background thread
// returns freed memory to the system after a burst (a few seconds later)
// even while the server is idle; without it jemalloc purges only when the
// program allocates again.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "background_thread:true";
}
