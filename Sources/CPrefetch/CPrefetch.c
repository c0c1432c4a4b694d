// The header holds the one inline function; SwiftPM wants a source file for a C target.
#include "CPrefetch.h"
