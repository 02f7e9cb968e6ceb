// cxx_task_exceptions: a task that waits inside a catch block parks; its thread runs other tasks
// that throw and catch. Each must see its own caught exception afterwards
// (std::current_exception, rethrow with throw;) and the uncaught count.
#include <omp.h>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <atomic>

static std::atomic<long> bad{0}, good{0};

static void inner(int i)
{
	try {
		throw std::runtime_error("inner " + std::to_string(i));
	} catch (const std::exception &e) {
		if (std::string(e.what()) != "inner " + std::to_string(i))
			bad++;
	}
}

static void outer(int i)
{
	try {
		throw std::runtime_error("outer " + std::to_string(i));
	} catch (...) {
		for (int k = 0; k < 3; k++) {
			#pragma omp task firstprivate(i, k)
			{ usleep(100); inner(i * 10 + k); }
		}
		#pragma omp taskwait
		try {
			throw; // must rethrow our own exception
		} catch (const std::runtime_error &e) {
			if (std::string(e.what()) == "outer " + std::to_string(i))
				good++;
			else
				bad++;
		}
		if (std::uncaught_exceptions() != 0)
			bad++;
	}
}

int main()
{
	#pragma omp parallel
	#pragma omp single
	for (int i = 0; i < 400; i++) {
		#pragma omp task firstprivate(i) untied
		outer(i);
	}
	std::printf("good %ld bad %ld\n", good.load(), bad.load());
	std::printf("%s\n", bad == 0 && good == 400 ? "OK" : "WRONG");
	return bad != 0;
}
