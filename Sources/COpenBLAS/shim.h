#include <cblas.h>

// Not in cblas.h but exported by OpenBLAS's threaded builds: joins the worker threads it starts
// when the library loads (a threaded BLAS call starts them again). See BLASThreads.stopIdleWorkers.
int blas_thread_shutdown_(void);
