#include "ShaderInterface.h"
