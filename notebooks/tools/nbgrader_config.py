# nbgrader's settings for the Threadbook course (nbgrader 0.9). notebooks/tools/nbgrader_source.py copies this
# file into the course folder; nbgrader reads it from the folder it runs in. notebooks/README.md walks through it.
c = get_config()  # noqa: F821 (nbgrader defines it)

c.CourseDirectory.course_id = "threadbook"

# The students' copy gets this in place of each solution. The throw keeps a method that returns a value
# compiling, so the %%test cell reports the tests as failed instead of a missing method.
c.ClearSolutions.code_stub = {
    "java": '// YOUR CODE HERE (then delete the line below)\n'
            'throw new UnsupportedOperationException("exercise not done yet");'
}

# autograde runs every cell with this kernel: the name install/install.sh gives it (change it here if you
# installed it with --name). A %%test cell stops each test after 60 s (its --timeout), and a cell holds up
# to a few tests; the benchmark cells take up to a minute on a busy machine. So a cell may take 10 minutes
# before nbgrader gives up on it, and the JVM 2 minutes to start.
c.Execute.kernel_name = "threadbook"
c.Execute.timeout = 600
c.Execute.startup_timeout = 120

# release_assignment, fetch_assignment, submit and collect exchange the files through nbgrader's default folder,
# /srv/nbgrader/exchange, which instructor and students must be able to write to. Another folder is set for all
# of them, students included, in a configuration they all read (/etc/jupyter/nbgrader_config.py):
#   c.Exchange.root = "/srv/nbgrader/exchange"
