;;; dap-mpdbg.el --- dap-mode support for mpdbg, the MicroPython debugger -*- lexical-binding: t; -*-

;; Copyright (c) the mpdbg authors
;; License: MIT

;;; Commentary:

;; Debug MicroPython programs from Emacs with dap-mode and `mpdbg dap'.
;;
;;   (add-to-list 'load-path "/path/to/mpdbg/editors/emacs")
;;   (require 'dap-mpdbg)
;;
;; Then, in a Python buffer: `dap-breakpoint-add', and `dap-debug' with the
;; template "mpdbg: current file" (the buffer's file on the built-in debug
;; MicroPython).  For a board, copy the template with
;; `dap-debug-edit-template' and set :device, as in docs/launch-configuration.md.
;;
;; dap-mode shows only the program's output (stdout, stderr) by default;
;; mpdbg's own messages (the first-run build of the debug MicroPython, about
;; 15 s, and why a launch failed) are "console" output.  To see them:
;;
;;   (add-to-list 'dap-output-buffer-filter "console")

;;; Code:

(require 'dap-mode)
;; dap-mode's launch sequence reads the exception filters dap-ui keeps.
(require 'dap-ui)

(defcustom dap-mpdbg-executable "mpdbg"
  "The mpdbg executable (install it with `cargo install --path crates/mpdbg')."
  :group 'dap-mpdbg
  :type 'string)

(defun dap-mpdbg--populate-start-file-args (conf)
  "Complete the mpdbg launch configuration CONF.
The adapter is `mpdbg dap' on stdio; :program defaults to the current
buffer's file and :cwd to its folder."
  (let ((file (or (plist-get conf :program) (buffer-file-name))))
    (unless file
      (user-error "dap-mpdbg: visit the Python file to debug, or set :program"))
    (-> conf
        (dap--put-if-absent :dap-server-path (list dap-mpdbg-executable "dap"))
        (dap--put-if-absent :program file)
        (dap--put-if-absent :cwd (file-name-directory file))
        (dap--put-if-absent :name "mpdbg"))))

(dap-register-debug-provider "mpdbg" #'dap-mpdbg--populate-start-file-args)

(dap-register-debug-template
 "mpdbg: current file"
 (list :type "mpdbg"
       :request "launch"
       :name "mpdbg: current file"
       :stopOnEntry :json-false))

(provide 'dap-mpdbg)
;;; dap-mpdbg.el ends here
