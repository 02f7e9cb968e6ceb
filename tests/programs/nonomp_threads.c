/* Prints how many threads the process has (entries in /proc/self/task); built without -fopenmp to check a preloaded runtime starts no threads. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

int main (void)
{
  DIR *d = opendir ("/proc/self/task");
  if (!d) { perror ("/proc/self/task"); return 2; }
  int n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") && strcmp (e->d_name, ".."))
      n++;
  closedir (d);
  printf ("threads %d\n", n);
  return 0;
}
