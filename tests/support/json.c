/* Placeholder: implementation in progress. */
#include "json.h"
