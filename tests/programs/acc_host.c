/* Calls an OpenACC runtime entry (acc_get_num_devices) that beat does not implement; built with -fopenacc. */
#include <openacc.h>
#include <stdio.h>

int main (void)
{
  int n = acc_get_num_devices (acc_device_host);
  printf ("host devices %d\n", n);
  return n >= 1 ? 0 : 1;
}
