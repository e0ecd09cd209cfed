#pragma once
/* Headers only: the Viewer loads libglfw.so.3 with dlopen at run time so
 * headless commands never link or initialise GLFW. */
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
