// cxx_cancel_dtor: tasks with firstprivate C++ objects (copy-constructed when
// the task is made) in a taskgroup that a task cancels. Every object made
// must be destroyed: a queued task whose arguments were copy-constructed
// still runs when its group is cancelled (its body returns at its
// cancellation point and the destructors run), and a task construct met
// after the cancellation makes no task (so no copy), as in libgomp.
#include <omp.h>
#include <atomic>
#include <cstdio>
#include <unistd.h>

static std::atomic<long> live{0};
static std::atomic<int> cancelled{0};

struct Obj {
	long v;
	Obj() : v(1) { live++; }
	Obj(const Obj &o) : v(o.v + 1) { live++; }
	~Obj() { live--; }
};

int main()
{
	for (int rep = 0; rep < 10; rep++) {
		Obj a;
		cancelled = 0;
		#pragma omp parallel firstprivate(a)
		#pragma omp single
		#pragma omp taskgroup
		{
			for (int i = 0; i < 20; i++) {
				#pragma omp task firstprivate(a)
				{
					usleep(500);
					#pragma omp cancellation point taskgroup
					a.v++;
				}
			}
			#pragma omp task
			{
				cancelled = 1; /* the construct below ends this task */
				#pragma omp cancel taskgroup
			}
			while (!cancelled) {
				#pragma omp taskyield
			}
			for (int i = 0; i < 20; i++) {
				#pragma omp task firstprivate(a)
				{ a.v++; }
			}
		}
	}
	std::printf("live objects after all regions: %ld\n", live.load());
	std::printf("%s\n", live.load() == 0 ? "OK" : "WRONG");
	return live.load() != 0;
}
