/* Placeholder: implementation in progress. */
#include "internal.h"
