;;; dap-mpdbg-test.el --- Emacs's dap-mode drives mpdbg through the template -*- lexical-binding: t; -*-

;; Run in batch mode (tests/emacs/run.sh): opens examples/hello.py, adds a
;; breakpoint, starts the "mpdbg: current file" template of
;; editors/emacs/dap-mpdbg.el, and checks the stop, the stack, the locals, a
;; `dap-next' and a `dap-continue' to the end (exit code and output).  Every
;; wait is bounded and says what it awaited.

;;; Code:

(require 'cl-lib)
(require 'dap-mode)

(defvar mpdbg-test-repo (expand-file-name "../.." (file-name-directory (or load-file-name buffer-file-name))))
(add-to-list 'load-path (expand-file-name "editors/emacs" mpdbg-test-repo))
(require 'dap-mpdbg)

(defvar mpdbg-test-events nil "Every DAP event dap-mode received, newest first.")
(advice-add 'dap--on-event :before (lambda (_session event) (push event mpdbg-test-events)))

(defvar mpdbg-test-timeout (* 60 (string-to-number (or (getenv "MPDBG_E2E_TIMEOUT_SCALE") "1"))))

(defun mpdbg-test-fail (fmt &rest args)
  (let ((msg (apply #'format fmt args)))
    (princ (format "FAIL: %s\nevents: %S\n" msg
                   (mapcar (lambda (e) (list (gethash "event" e) (gethash "body" e))) (reverse mpdbg-test-events))))
    (kill-emacs 1)))

(defun mpdbg-test-wait (what pred)
  "Wait (bounded) until PRED is non-nil; return it."
  (let ((deadline (+ (float-time) mpdbg-test-timeout)) result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or result (mpdbg-test-fail "timed out after %s s waiting for %s" mpdbg-test-timeout what))))

(defun mpdbg-test-check (what got want)
  (if (equal got want)
      (princ (format "ok: %s: %S\n" what got))
    (mpdbg-test-fail "%s: got %S, want %S" what got want)))

(defun mpdbg-test-top-line (session)
  (let ((frame (dap--debug-session-active-frame session)))
    (and frame (gethash "line" frame))))

(defun mpdbg-test-stack (session)
  (let ((body (dap-request session "stackTrace" :threadId (dap--debug-session-thread-id session))))
    (mapcar (lambda (f) (list (gethash "name" f) (gethash "line" f))) (gethash "stackFrames" body))))

(defun mpdbg-test-locals (session)
  (let* ((frame-id (gethash "id" (dap--debug-session-active-frame session)))
         (scopes (gethash "scopes" (dap-request session "scopes" :frameId frame-id)))
         (locals (cl-find "Locals" scopes :key (lambda (s) (gethash "name" s)) :test #'equal))
         (vars (gethash "variables" (dap-request session "variables"
                                                 :variablesReference (gethash "variablesReference" locals)))))
    (mapcar (lambda (v) (cons (gethash "name" v) (gethash "value" v))) vars)))

(defun mpdbg-test-output (category)
  (mapconcat (lambda (e) (let ((b (gethash "body" e)))
                           (if (equal (gethash "category" b) category) (gethash "output" b) "")))
             (cl-remove-if-not (lambda (e) (equal (gethash "event" e) "output")) (reverse mpdbg-test-events))
             ""))

(defun mpdbg-test-run ()
  (setq dap-mpdbg-executable (or (getenv "MPDBG_BIN") (mpdbg-test-fail "MPDBG_BIN is not set")))
  (let* ((file (expand-file-name "examples/hello.py" mpdbg-test-repo))
         (line (with-temp-buffer
                 (insert-file-contents file)
                 (goto-char (point-min))
                 (re-search-forward "# BP:mean")
                 (line-number-at-pos))))
    (find-file file)
    (goto-char (point-min))
    (forward-line (1- line))
    (dap-breakpoint-add)
    (dap-debug (copy-tree (cdr (assoc "mpdbg: current file" dap-debug-template-configurations))))
    (let ((session (mpdbg-test-wait "the session" #'dap--cur-session)))
      (mpdbg-test-wait (format "a stop at line %d" line)
                       (lambda () (equal (mpdbg-test-top-line session) line)))
      (mpdbg-test-check "stack" (mpdbg-test-stack session)
                        `(("average" ,line) ("describe" 17) ("<module>" 27)))
      (mpdbg-test-check "locals" (mpdbg-test-locals session)
                        '(("values" . "[12, 15, 9, 11]") ("total" . "47") ("count" . "4") ("v" . "11")))
      (dap-next session)
      (mpdbg-test-wait (format "the step to line %d" (1+ line))
                       (lambda () (equal (mpdbg-test-top-line session) (1+ line))))
      (mpdbg-test-check "locals after next" (assoc "mean" (mpdbg-test-locals session)) '("mean" . "11.75"))
      (dap-continue session (dap--debug-session-thread-id session))
      (let ((exited (mpdbg-test-wait "the exited event"
                                     (lambda () (cl-find "exited" mpdbg-test-events
                                                         :key (lambda (e) (gethash "event" e)) :test #'equal)))))
        (mpdbg-test-check "exit code" (gethash "exitCode" (gethash "body" exited)) 0))
      (mpdbg-test-wait "the session to end" (lambda () (not (dap--session-running session))))
      (mpdbg-test-check "program output" (mpdbg-test-output "stdout")
                        "temperatures: 4 values, mean 11.75\nhello True\n")
      (mpdbg-test-wait "the adapter process to exit"
                       (lambda () (not (process-live-p (dap--debug-session-proc session)))))
      (princ "emacs dap-mode: passed\n")
      (kill-emacs 0))))

(condition-case err
    (mpdbg-test-run)
  (error (mpdbg-test-fail "error: %S" err)))
;;; dap-mpdbg-test.el ends here
