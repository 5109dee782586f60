typedef Loop Loop
