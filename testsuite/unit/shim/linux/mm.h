/* shim: see ../kernel_shim.h */
#include "../kernel_shim.h"
