/* git: running the git program and collecting what it says. */
#include "sync_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The first non-empty line of text (len bytes) into err: git and ssh say
 * what went wrong first and add advice after. */
static void first_line(const char *text, size_t len, char *err, size_t cap) {
    size_t start = 0, end;
    if (!err || !cap) return;
    while (start < len && (text[start] == '\n' || text[start] == '\r' || text[start] == ' ')) start++;
    end = start;
    while (end < len && text[end] != '\n' && text[end] != '\r') end++;
    if (end - start >= cap) end = start + cap - 1;
    memcpy(err, text + start, end - start);
    err[end - start] = '\0';
}

int sg_git(const char *const *argv, const char *index_file, ks_buf *out, char *err, size_t cap) {
    int po[2], pe[2], status = 0;
    pid_t pid;
    ks_buf errs = {0};
    if (err && cap) err[0] = '\0';
    if (pipe(po) != 0) return 127;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return 127;
    }
    pid_t parent = getpid();
    pid = fork();
    if (pid < 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        return 127;
    }
    if (pid == 0) {
        int devnull;
        /* A sync killed (SIGKILL) takes its git with it: no orphan goes on
         * writing into a folder or holding a lock the next sync cleans up. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        unsetenv("GIT_DIR");
        unsetenv("GIT_WORK_TREE");
        unsetenv("GIT_INDEX_FILE");
        unsetenv("GIT_OBJECT_DIRECTORY");
        unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
        if (index_file) setenv("GIT_INDEX_FILE", index_file, 1);
        /* A kiosk has nobody to type a password: fail instead of waiting. */
        setenv("GIT_TERMINAL_PROMPT", "0", 1);
        setenv("GIT_ASKPASS", "true", 1);
        setenv("SSH_ASKPASS", "true", 1);
        if (!getenv("GIT_SSH_COMMAND")) setenv("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=20", 1);
        setenv("LC_ALL", "C", 1);
        execvp("git", (char *const *)argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    {
        struct pollfd pf[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
        int open_fds = 2;
        char chunk[8192];
        while (open_fds) {
            if (poll(pf, 2, -1) < 0) {
                if (errno == EINTR) continue;
                break;
            }
            for (int i = 0; i < 2; i++) {
                ssize_t got;
                if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                got = read(pf[i].fd, chunk, sizeof chunk);
                if (got < 0 && errno == EINTR) continue;
                if (got <= 0) {
                    close(pf[i].fd);
                    pf[i].fd = -1;
                    open_fds--;
                    continue;
                }
                if (i == 0 && out) ks_buf_append(out, chunk, (size_t)got);
                if (i == 1 && errs.len < 65536) ks_buf_append(&errs, chunk, (size_t)got);
            }
        }
        for (int i = 0; i < 2; i++)
            if (pf[i].fd >= 0) close(pf[i].fd);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            status = 127 << 8;
            break;
        }
    if (errs.len) first_line(errs.data, errs.len, err, cap);
    ks_buf_free(&errs);
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status) == 127 && err && cap && !err[0])
            snprintf(err, cap, "the git program cannot be started (install the Debian package 'git')");
        return WEXITSTATUS(status);
    }
    return -1;
}
